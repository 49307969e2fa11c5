#!/usr/bin/env python3
"""A Python client talking to the sandbox the way the original scripts and itkdb do (standard
library only): grantToken by POST, reads as GET with a JSON body, a write as POST. Prints one
JSON line with what it saw. Used by tests/sandbox/python_client_test.ts."""
import http.client
import json
import os
import sys
import urllib.parse


def call(method, url, body, token=None):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, parts.path, body=json.dumps(body), headers=headers)
    res = conn.getresponse()
    data = json.loads(res.read().decode())
    conn.close()
    return res.status, data


def main():
    api = os.environ["ITKDB_API_URL"]
    auth = os.environ["ITKDB_AUTH_URL"]
    status, token = call("POST", auth + "grantToken", {
        "grant_type": "password",
        "accessCode1": os.environ["ITKDB_ACCESS_CODE1"],
        "accessCode2": os.environ["ITKDB_ACCESS_CODE2"],
        "scope": "openid https://itkpd-test.unicorncollege.cz",
    })
    assert status == 200, token
    jwt = token["id_token"]
    status, types = call("GET", api + "listTestTypes",
                         {"project": "P", "componentType": "MODULE"}, jwt)
    status2, comp = call("GET", api + "getComponent", {"component": sys.argv[1]}, jwt)
    status3, up = call("POST", api + "uploadTestRunResults", {
        "component": sys.argv[1], "testType": "WIREBOND", "institution": "SANDBOX_A",
        "runNumber": "py-1", "passed": True, "problems": False,
        "properties": {"MACHINE": "DAGE", "LOAD": 15.0, "OPERATOR": "py", "SPEED": 300.0,
                       "SHEAR": 0.0},
        "results": {"PERCENT_HEEL_BREAKS": 0.0, "MEAN_LOAD": 8.7, "STD_DEV_LOAD": 1.27,
                    "MAX_LOAD": 11.0, "MIN_LOAD": 5.58},
    }, jwt)
    status4, bad = call("GET", api + "getComponent", {"pageInfo": {"pageSize": 1}}, jwt)
    print(json.dumps({
        "listTestTypes": [status, sorted(t["code"] for t in types["pageItemList"])],
        "getComponent": [status2, comp.get("serialNumber")],
        "upload": [status3, up.get("testRun", {}).get("id")],
        "invalid": [status4, sorted(bad["uuAppErrorMap"].keys())],
    }))


if __name__ == "__main__":
    main()
