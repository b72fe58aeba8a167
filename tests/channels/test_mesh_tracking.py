"""The MESH channel asks MESH whether a message went before with the same TLS trust as
mesh-client: NHS England's CA bundle for its endpoints, or the CA given in MESH_CA_FILE."""

from __future__ import annotations

from pathlib import Path

from bot.channels.mesh import MeshSettings, tracking_session


def settings(url: str, **extra: object) -> MeshSettings:
    return MeshSettings(url=url, mailbox="X26ABC1", password="pw", shared_key="key",
                        sender_ods="X26", **extra)  # type: ignore[arg-type]


def test_nhs_englands_endpoints_are_trusted_through_mesh_clients_own_ca_bundle() -> None:
    with tracking_session(settings("https://msg.intspineservices.nhs.uk")) as session:
        assert str(session.verify).endswith("nhs-int-ca-bundle.pem")
        assert Path(str(session.verify)).is_file()
    with tracking_session(settings("https://mesh-sync.spineservices.nhs.uk")) as session:
        assert str(session.verify).endswith("nhs-live-ca-bundle.pem")


def test_a_given_ca_and_client_certificate_are_used(tmp_path: Path) -> None:
    ca, cert, key = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    chosen = settings("https://msg.intspineservices.nhs.uk", ca_file=ca, cert_file=cert,
                      key_file=key)
    with tracking_session(chosen) as session:
        assert session.verify == str(ca) and session.cert == (str(cert), str(key))
        assert session.headers["Accept"] == "application/vnd.mesh.v2+json"
        signed = session.auth(type("Request", (), {"headers": {}})())  # type: ignore[misc]
        assert signed.headers["Authorization"].startswith("NHSMESH X26ABC1:")
