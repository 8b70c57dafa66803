-- A revoked refresh-token family (= grant: one authorization code's exchange and its rotations),
-- recorded apart from the family's tokens. Revoking updates the tokens that exist, but a token
-- stored a moment later — by the code exchange that a second use of the code is revoking, or
-- by a rotation racing a reuse — would otherwise be born live. Every read of a refresh token
-- checks this table too, so such a token is revoked from the start.

CREATE TABLE refresh_token_family_revocations (
    family_id   uuid PRIMARY KEY,
    revoked_at  timestamptz NOT NULL
);
