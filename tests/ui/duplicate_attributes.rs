// Duplicate attributes, fields and names.
#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
#[rtux(topic = "notes:*", topic = "docs:*")]
#[rtux(action(save(kind = "edit", kind = "edit"), save(kind = "edit"), toggle_done(kind = "edit")))]
struct Note {
    #[rtux(id)]
    id: String,
    #[rtux(id)]
    other: String,
    version: i64,
    #[rtux(skeleton = "title", skeleton = "text")]
    title: String,
    #[rtux(optimistic = "toggle")]
    done: bool,
}

#[derive(rtux::Presence)]
struct Viewer {
    #[rtux(name)]
    name: String,
    #[rtux(name)]
    nick: String,
    #[rtux(typing, cursor)]
    typing: bool,
    status: String,
}

fn main() {}
