"""The note form; lengths bounded so one request cannot store unbounded text."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..models.note import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


class NoteForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX_LENGTH)])
    body = TextAreaField("Text", validators=[Length(max=BODY_MAX_LENGTH)])


class DeleteForm(FlaskForm):
    """Only the CSRF token: deleting is a POST another site cannot forge."""
