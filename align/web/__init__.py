"""The reviewer's workbench (`plan-align serve`): a local web app over `align.PlanAlign` and the review memory.

Modules: app.py (the app factory and the server), security.py (binding, token, CSRF, headers),
workbench.py (the state and id checks), views.py (pages), forms.py (decisions, uploads),
pages.py (what the templates show); its labels are the web. keys of the one catalogue
(align/data/messages.json, read through align/i18n.py). FastAPI and uvicorn are imported only inside functions.
"""
