"""Calendar tests share the personal feed fixture of the email tests."""

from tests.mail.fixtures import personal_feed_url  # noqa: F401  (fixture)
