"""Building blocks of authentication: hashing, policies, redirects and login records."""
