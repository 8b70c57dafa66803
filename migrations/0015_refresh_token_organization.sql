-- A refresh-token family acts for one organization (issue 10): the sign-in's active organization,
-- fixed when the code is exchanged and copied by every rotation, so a refresh never moves a
-- grant to another organization (two tabs on two organizations keep their own). NULL: none.
-- Deleting the organization deletes the tokens that act for it.
ALTER TABLE refresh_tokens ADD COLUMN organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE;
-- For that cascade; only rows with an organization are indexed.
CREATE INDEX refresh_tokens_organization ON refresh_tokens (organization_id) WHERE organization_id IS NOT NULL;
