from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired("Indiquez votre adresse e-mail."), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired("Indiquez votre mot de passe."), Length(max=128)])
    remember = BooleanField("Rester connecté·e sur cet appareil")
