"""Persistence: the database, the unit of work, the models and migrations, the fast case writer, caches."""
