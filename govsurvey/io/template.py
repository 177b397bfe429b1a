def write_template(path, instrument="sipas-2017"):
    raise NotImplementedError
