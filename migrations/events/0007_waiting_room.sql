-- events: the virtual waiting room (durable-objects/waiting-room.ts). queue_enabled and
-- queue_admit_per_minute are the organizer's; queue_forced is set by an admin (on whatever the
-- organizer says); queue_auto_threshold is the checkout attempts per minute at which the room
-- switches itself on (NULL: never), and queue_auto_at when it did.
ALTER TABLE events ADD COLUMN queue_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN queue_admit_per_minute INTEGER NOT NULL DEFAULT 60;
ALTER TABLE events ADD COLUMN queue_forced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN queue_auto_threshold INTEGER;
ALTER TABLE events ADD COLUMN queue_auto_at INTEGER;
