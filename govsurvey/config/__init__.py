"""Configuration as typed models: the instrument and each notebook's parameters."""
