"""Publishing: the publication guard, narrative (vi/en), plots, tables, HTML, runs and verify."""
