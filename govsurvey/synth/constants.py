"""The synthetic city's fixed numbers: districts, names, and the structural model's parameters.

Keyed by the instrument's codes (component, field, level, mode, ...); see the package docstring
for the model they feed."""

from __future__ import annotations

__all__ = [
    "AGE_EFFECT",
    "AGE_MIX",
    "COMPONENT",
    "CUTS",
    "DISTRICTS",
    "EDU_EFFECT",
    "EDU_MIX",
    "EXPECT",
    "FAMILY",
    "FAMILY_P",
    "FEEDBACK_COMPONENT",
    "FEEDBACK_DK",
    "FEEDBACK_GIVEN",
    "FEMALE",
    "FIELD_EFFECT",
    "FIELD_MIX",
    "GIVEN",
    "ITEM_NONRESPONSE",
    "LEVEL_EFFECT",
    "LEVEL_MIX",
    "MIDDLE",
    "MINORITY",
    "MODE_MIX",
    "OCC_MIX",
    "OVERALL_CUTS",
    "PHONE_PREFIX",
    "RESPONSE",
    "RURAL_SHIFT",
    "SD",
    "SYLLABLES",
]

# The 30 district-level units of Hà Nội: 12 urban districts (quận), one town (thị xã) and 17
# rural districts (huyện).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("Ba Đình", "quan"),
    ("Hoàn Kiếm", "quan"),
    ("Tây Hồ", "quan"),
    ("Long Biên", "quan"),
    ("Cầu Giấy", "quan"),
    ("Đống Đa", "quan"),
    ("Hai Bà Trưng", "quan"),
    ("Hoàng Mai", "quan"),
    ("Thanh Xuân", "quan"),
    ("Nam Từ Liêm", "quan"),
    ("Bắc Từ Liêm", "quan"),
    ("Hà Đông", "quan"),
    ("Sơn Tây", "thi_xa"),
    ("Ba Vì", "huyen"),
    ("Chương Mỹ", "huyen"),
    ("Đan Phượng", "huyen"),
    ("Đông Anh", "huyen"),
    ("Gia Lâm", "huyen"),
    ("Hoài Đức", "huyen"),
    ("Mê Linh", "huyen"),
    ("Mỹ Đức", "huyen"),
    ("Phú Xuyên", "huyen"),
    ("Phúc Thọ", "huyen"),
    ("Quốc Oai", "huyen"),
    ("Sóc Sơn", "huyen"),
    ("Thạch Thất", "huyen"),
    ("Thanh Oai", "huyen"),
    ("Thanh Trì", "huyen"),
    ("Thường Tín", "huyen"),
    ("Ứng Hòa", "huyen"),
)
# Share of people from an ethnic minority among the rural districts' dossiers (Mường, Dao).
MINORITY = {"Ba Vì": 0.15, "Mỹ Đức": 0.04, "Thạch Thất": 0.03, "Quốc Oai": 0.03, "Sóc Sơn": 0.02}

SYLLABLES = (
    "An Bình Cát Đại Đông Đức Hòa Hồng Hưng Khánh Kim Lạc Liên Long Minh Nam Ngọc Nghĩa Phú "
    "Phúc Phương Quang Sơn Tân Thạch Thanh Thành Thượng Tiên Trung Vạn Văn Vĩnh Xuân Yên Hạ Hà "
    "Lâm Mỹ Phong"
).split()
FAMILY = ("Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh").split()
FAMILY_P = (
    0.38,
    0.11,
    0.095,
    0.07,
    0.05,
    0.045,
    0.04,
    0.035,
    0.035,
    0.03,
    0.025,
    0.02,
    0.02,
    0.015,
    0.015,
    0.015,
)
MIDDLE = {
    "male": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Thúy", "Phương"),
}
GIVEN = {
    "male": (
        "Anh Bình Cường Dũng Đạt Hải Hiếu Hùng Huy Khoa Long Minh Nam Phong Quân Sơn Thắng "
        "Thành Trung Tuấn Việt Vinh"
    ).split(),
    "female": (
        "Anh Chi Dung Giang Hà Hằng Hoa Hương Lan Linh Mai Ngọc Nhung Phương Quỳnh Thảo "
        "Trang Tuyết Vân Yến Hạnh Loan"
    ).split(),
}
PHONE_PREFIX = (
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "032",
    "033",
    "035",
    "038",
    "086",
    "088",
    "070",
    "079",
    "081",
)

# ------------------------------------------------------------------ structural parameters
# Keyed by the instrument's codes (component, field, level, mode, ...). Components not listed
# here get the neutral values; categorical codes must be among those the instrument declares.
COMPONENT = {
    #      mean shift, don't-know share, overall weight
    "C1": (0.02, 0.020, 0.15),
    "C2": (0.00, 0.030, 0.25),
    "C3": (0.06, 0.015, 0.30),
    "C4": (0.08, 0.025, 0.20),
    "C5": (-0.18, 0.030, 0.10),
}
FEEDBACK_COMPONENT = "C5"  # its criteria need the person to have given feedback
FEEDBACK_GIVEN = 0.50  # share of people who ever gave feedback (before characteristics)
FEEDBACK_DK = (0.30, 0.88)  # P(don't know | no feedback given): first criterion, the others
CUTS = (-2.55, -1.85, -1.05, 1.05)  # cut points of criterion answers 1|2, 2|3, 3|4, 4|5
OVERALL_CUTS = (2.35, 2.95, 3.52, 4.45)
SD = {
    "district_shared": 0.28,
    "district_component": 0.12,
    "ward_shared": 0.17,
    "ward_component": 0.08,
    "halo": 0.55,
    "person_component": 0.42,
    "criterion": 0.55,
    "criterion_shift": 0.12,
    "overall": 0.32,
}
RURAL_SHIFT = 0.12  # rural people rate services a little higher
FIELD_EFFECT = {  # shared effect, extra effect on procedures (C2) and result (C4)
    "civil_registration": (0.15, 0.05),
    "land": (-0.30, -0.20),
    "construction": (-0.15, -0.10),
    "certification": (0.12, 0.05),
    "business": (-0.02, 0.00),
    "labour_social": (0.05, 0.00),
}
LEVEL_EFFECT = {"commune": 0.06, "district": -0.02, "province": -0.08}
AGE_EFFECT = {"18-29": -0.08, "30-44": -0.02, "45-59": 0.05, "60+": 0.15}
EDU_EFFECT = {"primary": 0.10, "secondary": 0.03, "vocational": 0.0, "university": -0.12}
FIELD_MIX = {  # urban, rural shares of dossiers by field
    "civil_registration": (0.28, 0.30),
    "land": (0.14, 0.27),
    "construction": (0.10, 0.07),
    "certification": (0.27, 0.21),
    "business": (0.13, 0.05),
    "labour_social": (0.08, 0.10),
}
LEVEL_MIX = {  # commune, district, province shares by field
    "civil_registration": (0.85, 0.14, 0.01),
    "land": (0.45, 0.52, 0.03),
    "construction": (0.15, 0.65, 0.20),
    "certification": (0.75, 0.24, 0.01),
    "business": (0.05, 0.55, 0.40),
    "labour_social": (0.55, 0.40, 0.05),
}
AGE_MIX = {"urban": (0.26, 0.36, 0.24, 0.14), "rural": (0.20, 0.33, 0.28, 0.19)}
EDU_MIX = {  # primary, secondary, vocational, university by area and age group
    ("urban", "18-29"): (0.02, 0.20, 0.20, 0.58),
    ("urban", "30-44"): (0.03, 0.25, 0.20, 0.52),
    ("urban", "45-59"): (0.06, 0.38, 0.22, 0.34),
    ("urban", "60+"): (0.15, 0.45, 0.18, 0.22),
    ("rural", "18-29"): (0.06, 0.48, 0.25, 0.21),
    ("rural", "30-44"): (0.12, 0.55, 0.19, 0.14),
    ("rural", "45-59"): (0.25, 0.55, 0.12, 0.08),
    ("rural", "60+"): (0.45, 0.43, 0.07, 0.05),
}
OCC_MIX = {  # farmer, worker, business, public, private, retired_other by area, 60+, university
    ("urban", False, False): (0.02, 0.22, 0.30, 0.06, 0.28, 0.12),
    ("urban", False, True): (0.00, 0.05, 0.20, 0.25, 0.45, 0.05),
    ("urban", True, False): (0.02, 0.03, 0.15, 0.02, 0.03, 0.75),
    ("urban", True, True): (0.00, 0.01, 0.10, 0.06, 0.05, 0.78),
    ("rural", False, False): (0.45, 0.20, 0.15, 0.03, 0.10, 0.07),
    ("rural", False, True): (0.08, 0.08, 0.17, 0.32, 0.30, 0.05),
    ("rural", True, False): (0.45, 0.03, 0.08, 0.01, 0.01, 0.42),
    ("rural", True, True): (0.10, 0.02, 0.08, 0.10, 0.05, 0.65),
}
FEMALE = {"urban": 0.53, "rural": 0.49}
MODE_MIX = {  # post, handout, online, phone, face_to_face by area and age group
    ("urban", "18-29"): (0.12, 0.30, 0.38, 0.10, 0.10),
    ("urban", "30-44"): (0.18, 0.35, 0.27, 0.10, 0.10),
    ("urban", "45-59"): (0.28, 0.40, 0.12, 0.10, 0.10),
    ("urban", "60+"): (0.35, 0.35, 0.02, 0.13, 0.15),
    ("rural", "18-29"): (0.20, 0.45, 0.15, 0.10, 0.10),
    ("rural", "30-44"): (0.25, 0.45, 0.10, 0.10, 0.10),
    ("rural", "45-59"): (0.30, 0.45, 0.05, 0.08, 0.12),
    ("rural", "60+"): (0.30, 0.45, 0.01, 0.09, 0.15),
}
# Probit response model: P(respond) = Phi(base + age + mode + field + area [+ mnar * z_sat]).
RESPONSE = {
    "base": 0.30,
    "age": {"18-29": -0.35, "30-44": -0.12, "45-59": 0.08, "60+": 0.28},
    "mode": {"post": -0.40, "handout": 0.35, "online": -0.55, "phone": -0.10, "face_to_face": 0.65},
    "field": {
        "civil_registration": 0.10,
        "land": -0.18,
        "construction": -0.10,
        "certification": 0.05,
        "business": -0.12,
        "labour_social": 0.10,
    },
    "area": {"urban": -0.08, "rural": 0.12},
    "mnar": 0.45,
}
ITEM_NONRESPONSE = 0.01  # share of code 9 among respondents' scale answers (x1.5 for 60+)
# Expectations: option column -> (component whose low quality drives it, slope, cut).
EXPECT = {
    "exp_facilities": ("C1", 0.8, 1.10),
    "exp_procedures": ("C2", 0.8, 0.55),
    "exp_attitude": ("C3", 0.9, 1.15),
    "exp_time": ("late", 1.2, 0.75),
    "exp_online": ("online", 0.6, 0.65),
    "exp_feedback": ("C5", 0.7, 1.35),
}
