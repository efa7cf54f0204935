// A destructive action must be undoable or confirmed: its kind says which.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*")]
#[rtux(action(
    delete(kind = "pending"),
    remove_tag(kind = "pending"),
    clear(kind = "confirmed_delete", undo_window = "5s"),
    trash(kind = "undoable_delete", undo_window = "5s"),
    discard(kind = "undoable_delete"),
    purge(kind = "confirmed_delete"),
))]
struct Note {
    id: String,
    version: i64,
    title: String,
}

fn main() {}
