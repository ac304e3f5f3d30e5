"""Accounts: organisations, the people who work in their back office, roles and access.

Low in the layers (see docs/architecture.md): every area's back-office views hang on
`eventsite.accounts.access.bp` and use its decorators; the views that manage accounts
(login, users) live in eventsite.organiser, at the top.
"""
