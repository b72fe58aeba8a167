-- Links replaced by "New link" (`InviteRepository.reissue`): the hash of the old link's token
-- (never the token), so a patient who opens the old link is told a newer link was sent and to
-- use that one (`journey.invite.replaced`; hazard log H50), not that the link is not
-- recognised. Only a hash, the invite it belonged to and a time: no personal data. The row
-- goes with its invite.
CREATE TABLE replaced_links (
    token_hash  TEXT    PRIMARY KEY,
    invite_id   INTEGER NOT NULL REFERENCES invites(id) ON DELETE CASCADE,
    replaced_at TEXT    NOT NULL
);
CREATE INDEX replaced_links_invite ON replaced_links (invite_id);
