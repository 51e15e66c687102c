use ecr_policy::policy;

fn main() {
    // Any letter case is accepted; a misspelling is still an error, with the catalogue spelling.
    let _ = policy! { allow account "111122223333" ecr:putimag, ecr:BATCHGETIMAGE on repo };
    // Listed twice in different cases is one action listed twice.
    let _ = policy! { allow account "111122223333" ecr:PutImage, ecr:putimage on repo };
}
