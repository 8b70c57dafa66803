-- Organizations, roles and permissions (issue 10): organizations are rows, not realms. A user
-- holds at most one platform role and, per organization, one built-in organization role, plus
-- any custom roles (named sets of permission strings, global or of one organization).
-- `created_by` / `updated_by` name the acting user; NULL is the operator at the server's shell.

CREATE TABLE organizations (
    id           uuid PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
    -- pending until its first member accepts an invitation (it is visible before).
    status       text NOT NULL CHECK (status IN ('pending', 'active')),
    -- Second-factor policy: off, optional, or required with the allowed methods.
    mfa_policy   text NOT NULL DEFAULT 'optional' CHECK (mfa_policy IN ('off', 'optional', 'required')),
    mfa_methods  text[] NOT NULL DEFAULT '{totp,email}' CHECK (mfa_methods <@ ARRAY['totp', 'email'] AND cardinality(mfa_methods) >= 1),
    created_at   timestamptz NOT NULL,
    created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   uuid REFERENCES users(id) ON DELETE SET NULL
);
-- Case-insensitive name search for the picker and the people page.
CREATE INDEX organizations_name ON organizations (lower(name) text_pattern_ops);
-- Keyset paging by name.
CREATE INDEX organizations_page ON organizations (name, id);

-- The platform roles: super_admin, site_admin, operator (no organization).
CREATE TABLE platform_roles (
    user_id     uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('super_admin', 'site_admin', 'operator')),
    granted_at  timestamptz NOT NULL,
    granted_by  uuid REFERENCES users(id) ON DELETE SET NULL
);

-- Membership of a user in an organization, with its built-in role there.
CREATE TABLE memberships (
    organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             text NOT NULL CHECK (role IN ('client_admin', 'client_user')),
    created_at       timestamptz NOT NULL,
    created_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
-- Keyset paging of an organization's members by when they joined.
CREATE INDEX memberships_page ON memberships (organization_id, created_at, user_id);

-- Permission strings an operator defines (`reports:read`).
CREATE TABLE permissions (
    name         text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.-]{0,62}(:[a-z][a-z0-9_.-]{0,62})?$'),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    created_at   timestamptz NOT NULL,
    created_by   uuid REFERENCES users(id) ON DELETE SET NULL
);

-- A custom role: a named set of permissions, global (organization_id NULL) or of one organization.
CREATE TABLE custom_roles (
    id               uuid PRIMARY KEY,
    organization_id  uuid REFERENCES organizations(id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    created_at       timestamptz NOT NULL,
    created_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE NULLS NOT DISTINCT (organization_id, name)
);

-- Deleting a permission removes it from every role.
CREATE TABLE custom_role_permissions (
    role_id     uuid NOT NULL REFERENCES custom_roles(id) ON DELETE CASCADE,
    permission  text NOT NULL REFERENCES permissions(name) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission)
);

-- Custom roles assigned to users. An organization's role is held within that organization.
CREATE TABLE custom_role_assignments (
    role_id      uuid NOT NULL REFERENCES custom_roles(id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assigned_at  timestamptz NOT NULL,
    assigned_by  uuid REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (role_id, user_id)
);
CREATE INDEX custom_role_assignments_user ON custom_role_assignments (user_id);
