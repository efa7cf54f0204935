// What a resource must have, and what the derives can't take.
#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
struct NoTopic {
    title: String,
}

#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
#[rtux(topic = "notes:* ")]
#[rtux(action(undo(kind = "edit"), archive, bump(kind = "server_corrects"), save(kind = "edit", with = "Note::save")))]
struct Note {
    id: String,
    version: i64,
}

#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
#[rtux(topic = "items:*")]
struct Generic<T> {
    id: String,
    version: i64,
    item: T,
}

#[derive(rtux::Presence)]
struct Tuple(String);

#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
#[rtux(topic = "camel:*")]
#[serde(rename_all = "camelCase")]
struct Camel {
    id: String,
    version: i64,
}

fn main() {}
