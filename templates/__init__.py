"""The templates, installed as the package resource ``generator.templates``."""
