//! Placeholder until the extract branch lands.
use crate::apiserver::NewObject;
use crate::diag::Problem;
use crate::manifest::Document;
use crate::model::pod::RestartPolicy;

/// Extract.
pub fn extract(_doc: &Document) -> Result<NewObject, Vec<Problem>> {
    Err(Vec::new())
}
/// run.
pub fn run_pod(
    _name: &str,
    _image: &str,
    _labels: Option<&str>,
    _port: Option<i32>,
    _restart: RestartPolicy,
) -> Result<NewObject, String> {
    Err(String::new())
}
/// create deployment.
pub fn create_deployment(
    _name: &str,
    _image: &str,
    _replicas: i32,
    _port: Option<i32>,
) -> Option<NewObject> {
    None
}
/// create ns.
pub fn create_namespace(_name: &str) -> Option<NewObject> {
    None
}
