-- New projects before they are published: back-office work, not yet part of the catalogue.
-- Publishing writes the record through the catalogue's write path and removes the draft.
CREATE TABLE drafts (
    number TEXT PRIMARY KEY,
    -- The project's JSONL record, checked as an import line when saved.
    record TEXT NOT NULL,
    author TEXT NOT NULL,
    updated INTEGER NOT NULL
);
