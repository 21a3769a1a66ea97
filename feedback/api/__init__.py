"""The JSON API (/api/v1/): personal access tokens, the same access rules as the pages, an OpenAPI 3.1 document.

Built with flask-smorest: one set of marshmallow schemas validates the requests, serialises the responses and
writes the document served at /api/v1/openapi.json; `reference.py` renders that document as a page of the app.
"""
