"""Questionnaire domain: question types, the questionnaire model, instruments as data, validation."""
