// Undo windows within 1–30 s, cursor rates up to 10/s, typing expiry within 3–5 s.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*", undo_window = "45s")]
#[rtux(action(delete(kind = "undoable_delete", undo_window = "500ms"), trash(kind = "undoable_delete", undo_window = "five seconds")))]
struct Note {
    id: String,
    version: i64,
    title: String,
}

#[derive(rtux::PresenceMeta)]
#[rtux(typing_expiry = "10s", cursor_rate = 30)]
struct Viewer {
    #[rtux(name)]
    name: String,
}

#[derive(rtux::PresenceMeta)]
#[rtux(typing_expiry = "1s", cursor_rate = 0)]
struct Watcher {
    #[rtux(name)]
    name: String,
}

fn main() {}
