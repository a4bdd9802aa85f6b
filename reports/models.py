"""Models arrive with their issue; the app is installed now so URLs and migrations have a home."""
