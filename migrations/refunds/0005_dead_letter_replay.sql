-- Operators replay parked messages (npm run dlq; packages/common/src/dead-letters.ts): when a row
-- was last sent back to its inbox, and how often.
ALTER TABLE dead_letters ADD COLUMN replayed_at INTEGER;
ALTER TABLE dead_letters ADD COLUMN replays INTEGER NOT NULL DEFAULT 0;
