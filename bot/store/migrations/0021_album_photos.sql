-- Photos that came in an album (several photos sent in one message), so were labelled in the
-- order they came rather than one at a time as asked: while any photo of the set the patient
-- is about to send is one of them, the review first asks which photo is the one from further
-- away (the locator), and the answer relabels the set (`PhotoRepository.choose_locator`, hazard
-- log H45). One row per photo attempt; the rows of a case go when the patient answers, and with
-- its photos (erasure, a stop, the retention purge, taking the photos again). Only ids and the
-- time; no personal data.
CREATE TABLE album_photos (
    photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL,
    noted_at TEXT NOT NULL
);
CREATE INDEX album_photos_by_case ON album_photos (case_id);
