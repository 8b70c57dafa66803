-- Which second factor a browser session proved (issue 10): an organization whose policy allows
-- fewer methods than all asks a session that proved another one to step up. Not in any token
-- (amr says otp for both codes). NULL: none proven, or a session from before this column.
ALTER TABLE browser_sessions ADD COLUMN second_factor text
    CHECK (second_factor IN ('totp', 'email', 'recovery'));
