-- The searchable audit trail (issue 11 item 7): every filter of a page has an index that leads
-- with its column and ends with the id, so a page ("newest first, before this id, at most N")
-- walks one index backwards and stops at the limit instead of scanning the table. The actor
-- (audit_events_actor) and subject (audit_events_subject) indexes exist already.
CREATE INDEX audit_events_client ON audit_events (client_id, id) WHERE client_id IS NOT NULL;
-- Organization, membership, invitation, custom-role and client administration events name
-- their organization in details.organization_id.
CREATE INDEX audit_events_organization ON audit_events ((details->>'organization_id'), id)
    WHERE details->>'organization_id' IS NOT NULL;
CREATE INDEX audit_events_type_id ON audit_events (type, id);
-- A time range alone: the planner walks the primary key for a wide range, this for a narrow one.
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
