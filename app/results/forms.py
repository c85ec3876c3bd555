"""Forms of the results blueprint: a CSRF-only form; the dynamic fields are read from request.form."""

from flask_wtf import FlaskForm


class CsrfForm(FlaskForm):
    """Only the CSRF token: SWOT, matrix, override and roadmap forms have dynamic fields."""
