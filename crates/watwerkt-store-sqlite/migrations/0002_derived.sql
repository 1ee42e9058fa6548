-- What watwerkt derives from a project's text ("wat werkt voor wie" labels) sits beside its
-- content: derived again when the lexicon changes, without a revision of the content.
ALTER TABLE projects ADD COLUMN derived TEXT NOT NULL DEFAULT '';
