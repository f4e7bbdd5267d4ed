"""The Alembic environment of hotich's database (run it with :func:`hotich.db.migrate.upgrade`)."""
