-- The first super_admin may come by invitation (`gatehouse admin bootstrap --email E` without
-- --password-stdin prints the link): the only super_admin invitation, made on the server's shell
-- outside RoleRules (nobody invites a super_admin through the pages, the API or `invite create`).

ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check
    CHECK (role IN ('super_admin', 'site_admin', 'operator', 'client_admin', 'client_user'));
