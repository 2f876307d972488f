"""The Textual app: the meeting screen, its modals and the section views (no domain logic here)."""
