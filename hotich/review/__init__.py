"""The review web app's foundation: accounts, roles and scopes, login, sessions, the audit log.

The web app (routes, pages) stands on these, each module one job:

* :mod:`.policy` — :class:`AuthPolicy`, the rules read from the settings (``HOTICH_*``).
* :mod:`.login` — ``authenticate(session, username, password, totp, ip, policy=…)`` → an
  :class:`~.accounts.Account`, or a :class:`~.login.LoginError` subclass (answer 401; for
  :class:`~.login.MfaRequiredError`, ask for the code).
* :mod:`.sessions` — ``create_session`` after a login (its token goes in the HttpOnly,
  SameSite cookie :data:`~.sessions.COOKIE_NAME`), ``validate_session`` on every request,
  ``end_session`` at logout, ``check_csrf`` on every form.
* :mod:`.access` — ``account.scope``: which communes and which data a role reaches;
  ``scope.require(commune, personal=…, review=…)`` before serving an object (raises
  :class:`~.access.NotVisibleError`: answer 404), ``visible_pages(query, scope)`` /
  ``visible_entries(query, scope)`` for lists, ``scope.fields(values)`` for records.
* :mod:`.audit` — ``record(session, action, username=…, object_type=…, object_id=…,
  commune=…, ip=…)`` for each view, correction, approval and export, in the same transaction.
* :mod:`.manage` — creating and changing accounts (``hotich users``).

The web app itself (``hotich review``): :mod:`.app` (``create_app``), the routes in
:mod:`.web` (``deps`` — session, scope and CSRF checks; ``auth``, ``pages``, ``api``,
``images``), and the library they call: :mod:`.queue` (queue and page list), :mod:`.entries`
(a page's entries with issues and history), :mod:`.validate` (values re-validated on save),
:mod:`.actions` (correct, approve, reject, with their audit rows), :mod:`.images` (the stored
page image and field crops).

Sessions that authenticate, validate or record should be write sessions
(``session_scope(engine, write=True)``): on SQLite they then wait for the write lock instead of
failing when another writer got in first.
"""
