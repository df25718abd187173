"""Pure renderers: (figure | frame) → bytes. A registry grows here with the export issue."""
