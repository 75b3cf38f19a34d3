"""Exports of meddoc results in other tools' formats (AWS-shaped JSON, ...)."""
