"""The yearly report: « L'année en chiffres » and its verbatims, for any period, as a page, XLSX, DOCX and JSON."""
