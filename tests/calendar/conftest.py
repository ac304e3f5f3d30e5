"""Calendar tests share the sign-up fixtures of the email tests."""
from tests.mail.fixtures import personal_feed_url, sign_up_and_notify  # noqa: F401  (fixtures)
