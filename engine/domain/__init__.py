"""Pure rules of the after-sales service: actors, permissions, roles, forms, periods, calendar, messages.

Nothing here touches the database, SpiffWorkflow or the web; every other layer reads these.
"""
