use ecr_policy::policy;

fn main() {
    let _ = policy! {
        allow service "lambda.amazonaws.com" pull on repo
            when source_account "123456789012" and source_account "210987654321"
    };
}
