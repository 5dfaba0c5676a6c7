-- refunds: an event cancellation's refunds (source = 'event_cancelled') are counted per event.
CREATE INDEX IF NOT EXISTS refunds_by_event_source ON refunds(event_id, source, status);
