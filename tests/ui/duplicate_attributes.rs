// Duplicate attributes, fields and names.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*", topic = "docs:*")]
#[rtux(action(save(kind = "editable", kind = "editable"), save(kind = "editable"), toggle_done(kind = "editable")))]
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

#[derive(rtux::PresenceMeta)]
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
