"""Layout pieces shared by pages: ``create_*`` factories, no data access."""
