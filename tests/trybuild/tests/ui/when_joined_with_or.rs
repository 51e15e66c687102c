use ecr_policy::policy;

fn main() {
    let _ = policy! {
        allow anyone pull on repo
            when source_ip "203.0.113.0/24" or org "o-a1b2c3d4e5"
    };
}
