"""Security: access rules (roles and object-level), security headers, safe redirects."""
