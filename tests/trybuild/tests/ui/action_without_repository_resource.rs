use ecr_policy::policy;

fn main() {
    let _ = policy! { allow role "cache-admin" CreatePullThroughCacheRule on repo };
}
