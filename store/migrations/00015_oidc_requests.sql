-- +goose Up
-- A sign-in through an OpenID Connect provider under way: its state (only
-- the hash is kept), nonce and PKCE verifier, for whichever replica gets
-- the provider's answer; used once.
CREATE TABLE oidc_requests (
    state_hash bytea PRIMARY KEY,
    nonce      text NOT NULL,
    verifier   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE oidc_requests;
