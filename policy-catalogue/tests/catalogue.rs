//! Cross-checks the public API against the data file, row by row.

use policy_catalogue::{AccessLevel, Action, PublicAction, ResourceType};

fn rows() -> Vec<Vec<String>> {
    let tsv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ecr-actions.tsv"))
        .expect("read data file");
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("action\t") && !l.is_empty())
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

fn level(text: &str) -> AccessLevel {
    AccessLevel::ALL
        .into_iter()
        .find(|l| l.as_str() == text)
        .unwrap_or_else(|| panic!("unknown level {text}"))
}

fn resource(text: &str) -> ResourceType {
    match text.trim_end_matches('*') {
        "repository" => ResourceType::Repository,
        "registry" => ResourceType::Registry,
        _ => ResourceType::None,
    }
}

fn list(text: &str) -> Vec<&str> {
    text.split(',').filter(|s| !s.is_empty()).collect()
}

#[test]
fn every_row_matches_the_api() {
    let rows = rows();
    let (mut ecr, mut public) = (0, 0);
    for row in &rows {
        let [action, access, resources, keys, _sources, perm, deps, res_keys, _label, not_granted_by] =
            &row[..]
        else {
            panic!("short row {row:?}");
        };
        if action.starts_with("ecr-public:") {
            let a: PublicAction = action.parse().unwrap();
            assert_eq!(a.as_str(), action);
            assert_eq!(a.access_level(), level(access), "{action}");
            assert_eq!(a.resource_type(), resource(resources), "{action}");
            assert_eq!(a.condition_keys(), list(keys), "{action}");
            assert_eq!(a.resource_condition_keys(), list(res_keys), "{action}");
            assert_eq!(a.dependent_actions(), list(deps), "{action}");
            assert_eq!(a.is_permission_only(), perm == "yes", "{action}");
            assert_eq!(
                a.is_granted_by_repository_policy(),
                resources.starts_with("repository") && not_granted_by != "repository",
                "{action}"
            );
            public += 1;
        } else {
            let a: Action = action.parse().unwrap();
            assert_eq!(a.as_str(), action);
            assert_eq!(a.access_level(), level(access), "{action}");
            assert_eq!(a.resource_type(), resource(resources), "{action}");
            assert_eq!(
                a.is_repository_action(),
                resources.starts_with("repository")
            );
            assert_eq!(a.condition_keys(), list(keys), "{action}");
            assert_eq!(a.resource_condition_keys(), list(res_keys), "{action}");
            assert_eq!(a.dependent_actions(), list(deps), "{action}");
            assert_eq!(a.is_permission_only(), perm == "yes", "{action}");
            assert_eq!(
                a.is_granted_by_repository_policy(),
                resources.starts_with("repository") && not_granted_by != "repository",
                "{action}"
            );
            assert_eq!(Action::ALL[ecr], a, "catalogue order");
            ecr += 1;
        }
    }
    assert_eq!((ecr, public), (60, 23));
    assert_eq!(Action::ALL.len(), 60);
    assert_eq!(PublicAction::ALL.len(), 23);
}
