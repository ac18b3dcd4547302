"""Set-up where users are: scripts/system-deps.sh and press.tools.check_pango.

The script runs with a PATH that holds only a folder of our own: the few
programs it uses, linked, and stubs of ``id``, ``apt-get``, ``pkg-config`` and
``sleep`` that record how they were called. No /sbin or /usr/sbin, so no
ldconfig, as for a non-root Debian user (and on macOS, which has none).
"""

from __future__ import annotations

import ast
import ctypes
import ctypes.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from press import tools
from press.errors import EXIT_TOOL, ToolError

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "system-deps.sh"
TOOLS = ("sh", "grep", "head", "sed", "tr", "cat", "mktemp", "rm", "uname")
DEBIAN_BUILD = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
LISTS_LOCK = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (unattended-upgr)"
DPKG_LOCK = ("E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), "
             "is another process using it?")


class Sandbox:
    """A bin folder for the script's PATH, its stubs, and what they recorded."""

    def __init__(self, tmp: Path, uid: int = 1000):
        self.tmp = tmp
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.calls = tmp / "calls"
        for name in TOOLS:
            (self.bin / name).symlink_to(shutil.which(name))
        self.stub("id", f'echo {uid}')
        self.stub("sleep", f'echo "sleep $*" >> "{self.calls}"')
        self.stub("apt-cache", f'echo "apt-cache $*" >> "{self.calls}"')  # every package exists
        self.apt_get()

    def stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def apt_get(self, update: str = "exit 0", install: str = "exit 0") -> None:
        """apt-get that says and records each call, then does what the case says."""
        self.stub("apt-get", f'echo "STUB apt-get $*" >&2\necho "apt-get $*" >> "{self.calls}"\n'
                             f'case " $* " in *" update "*) {update};; *" install "*) {install};; esac')

    def recorded(self, program: str) -> list[str]:
        if not self.calls.exists():
            return []
        return [line for line in self.calls.read_text().splitlines() if line.startswith(program + " ")]

    def run(self, mode: str = "build", python: str = "/nonexistent/python3", ldconfig: str | None = "",
            **env: str) -> subprocess.CompletedProcess:
        environ = {"PATH": str(self.bin), "HOME": str(self.tmp), "TMPDIR": str(self.tmp),
                   "PYTHON": python, **env}
        if ldconfig is not None:
            environ["SYSTEM_DEPS_LDCONFIG"] = ldconfig
        return subprocess.run([str(self.bin / "sh"), str(SCRIPT), mode], env=environ, capture_output=True,
                              text=True, timeout=60)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path)


def output(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def test_pango_is_found_without_ldconfig_by_weasyprints_own_lookup(sandbox):
    # No ldconfig, no pkg-config: only the Python that will run WeasyPrint.
    done = sandbox.run(python=sys.executable)
    assert done.returncode == 0, output(done)
    assert "missing" not in output(done)
    assert sandbox.recorded("apt-get") == []


@pytest.mark.skipif(not Path("/sbin/ldconfig").exists() and not Path("/usr/sbin/ldconfig").exists(),
                    reason="no ldconfig in /sbin or /usr/sbin on this machine")
def test_a_non_root_user_without_sbin_on_the_path_is_served_by_sbin_ldconfig(sandbox):
    done = sandbox.run(ldconfig=None)  # the default list; no Python probe, no pkg-config
    assert done.returncode == 0, output(done)
    assert sandbox.recorded("apt-get") == []


def test_pkg_config_counts_as_found(sandbox):
    sandbox.stub("pkg-config", 'echo "pkg-config $*" >> "%s"\nexit 0' % sandbox.calls)
    done = sandbox.run()
    assert done.returncode == 0, output(done)
    assert "pkg-config --exists pango" in sandbox.recorded("pkg-config")


def test_a_non_root_user_is_told_what_to_install_on_each_system(sandbox):
    sandbox.stub("pkg-config", "exit 1")
    done = sandbox.run()
    text = output(done)
    assert done.returncode == EXIT_TOOL, text
    assert f"sudo apt-get install {DEBIAN_BUILD}" in text
    assert "sudo dnf install pango harfbuzz" in text
    assert "brew install pango harfbuzz" in text
    assert "Pango (WeasyPrint" in text
    assert sandbox.recorded("apt-get") == []  # never run behind the user's back


def test_test_mode_names_java_chromium_and_poppler_per_system(sandbox):
    # The tests run the release gates' PDF checks (pdffonts, pdftotext): a fresh
    # machine without poppler-utils failed test_check.py until `make check`.
    sandbox.stub("pkg-config", "exit 0")
    done = sandbox.run("test")
    text = output(done)
    assert done.returncode == 0, text  # only Pango and npm are required
    assert "sudo apt-get install default-jre-headless chromium poppler-utils" in text
    assert "sudo dnf install java-21-openjdk-headless chromium poppler-utils" in text
    assert "brew install openjdk poppler" in text and "brew install --cask chromium" in text


def test_root_on_debian_says_the_apt_get_command_before_running_it(tmp_path):
    sandbox = Sandbox(tmp_path, uid=0)
    installed = tmp_path / "installed"
    sandbox.apt_get(install=f': > "{installed}"')
    sandbox.stub("pkg-config", f'[ -e "{installed}" ]')  # found once apt-get has installed it
    done = sandbox.run()
    text = output(done)
    assert done.returncode == 0, text
    said = ("running: DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "
            f"install -y -qq --no-install-recommends {DEBIAN_BUILD}")
    assert said in text
    assert text.index(said) < text.index("STUB apt-get -o DPkg::Lock::Timeout=120 install")
    assert text.index("running: DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update") \
        < text.index("STUB apt-get -o DPkg::Lock::Timeout=120 update")
    assert sandbox.recorded("apt-get") == [
        "apt-get -o DPkg::Lock::Timeout=120 update -qq",
        f"apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends {DEBIAN_BUILD}",
    ]


def test_a_package_this_release_lacks_is_skipped_not_fatal(tmp_path):
    sandbox = Sandbox(tmp_path, uid=0)
    installed = tmp_path / "installed"
    sandbox.stub("apt-cache", '[ "$2" != libharfbuzz-subset0 ]')  # an older release without it
    sandbox.apt_get(install=f': > "{installed}"')
    sandbox.stub("pkg-config", f'[ -e "{installed}" ] && [ "$2" != harfbuzz-subset ]')
    done = sandbox.run()
    text = output(done)
    assert done.returncode == 0, text  # the subsetter is optional
    assert "apt has no package libharfbuzz-subset0 on this system: skipped" in text
    assert sandbox.recorded("apt-get")[-1].endswith("--no-install-recommends libpango-1.0-0 libpangoft2-1.0-0")
    assert "missing: HarfBuzz's subset library" in text


def test_a_held_lists_lock_is_waited_for_then_explained(tmp_path):
    sandbox = Sandbox(tmp_path, uid=0)
    sandbox.stub("pkg-config", "exit 1")
    sandbox.apt_get(update=f'echo "{LISTS_LOCK}" >&2; exit 100')
    done = sandbox.run(SYSTEM_DEPS_LOCK_WAIT="10")
    text = output(done)
    assert done.returncode == 75, text
    assert sandbox.recorded("sleep") == ["sleep 5", "sleep 5"]  # waited 10 s, in 5 s steps
    assert len(sandbox.recorded("apt-get")) == 3 and not any("install" in c for c in sandbox.recorded("apt-get"))
    assert "it holds /var/lib/apt/lists/lock" in text
    assert "unattended-upgrades" in text and "Do not delete the lock file" in text
    assert "process 4242" in text  # apt-get's own message, shown


def test_a_held_dpkg_lock_is_explained_after_apts_own_wait(tmp_path):
    sandbox = Sandbox(tmp_path, uid=0)
    sandbox.stub("pkg-config", "exit 1")
    sandbox.apt_get(install=f'echo "{DPKG_LOCK}" >&2; exit 100')
    done = sandbox.run()
    text = output(done)
    assert done.returncode == 75, text
    assert sandbox.recorded("sleep") == []  # apt-get waited DPkg::Lock::Timeout itself
    assert "it holds /var/lib/dpkg/lock-frontend, and it was still held after 120 s" in text
    assert "sudo dpkg --configure -a" in text


def test_a_lock_released_while_waiting_lets_the_install_go_on(tmp_path):
    sandbox = Sandbox(tmp_path, uid=0)
    installed, tried = tmp_path / "installed", tmp_path / "tried"
    sandbox.stub("pkg-config", f'[ -e "{installed}" ]')
    sandbox.apt_get(update=f'[ -e "{tried}" ] && exit 0; : > "{tried}"; echo "{LISTS_LOCK}" >&2; exit 100',
                    install=f': > "{installed}"')
    done = sandbox.run()
    assert done.returncode == 0, output(done)
    assert sandbox.recorded("sleep") == ["sleep 5"]
    assert "waiting (0 s of 120 s)" in output(done)


def test_a_library_only_in_homebrews_folder_is_found_with_a_hint(tmp_path):
    sandbox = Sandbox(tmp_path)
    prefix = tmp_path / "homebrew"
    (prefix / "lib").mkdir(parents=True)
    for name in ("libpango-1.0.dylib", "libpangoft2-1.0.dylib", "libharfbuzz-subset.0.dylib"):
        (prefix / "lib" / name).touch()
    # A Python whose dynamic loader does not search Homebrew's folder: it opens full paths only.
    sandbox.stub("python3", 'shift 2; for name; do case $name in /*) [ -e "$name" ] && exit 0;; esac; done; exit 1')
    done = sandbox.run(python=str(sandbox.bin / "python3"), HOMEBREW_PREFIX=str(prefix))
    text = output(done)
    assert done.returncode == 0, text
    assert f"make all PYTHON={prefix}/bin/python3" in text


def weasyprint_names(library: str) -> tuple[str, ...]:
    """The names WeasyPrint's own ffi.py gives ``_dlopen`` for ``library`` (a variable there)."""
    import weasyprint.text.ffi as ffi_module

    tree = ast.parse(Path(ffi_module.__file__).read_text("utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "_dlopen"
                and any(getattr(t, "id", None) == library for t in node.targets)):
            return tuple(a.value for a in node.value.args if isinstance(a, ast.Constant))
    raise AssertionError(f"{library} not found in {ffi_module.__file__}")


def test_the_lookups_use_weasyprints_names():
    for ours, theirs in (("gobject-2.0", "gobject"), ("pango-1.0", "pango"), ("harfbuzz", "harfbuzz"),
                         ("fontconfig", "fontconfig"), ("pangoft2-1.0", "pangoft2")):
        assert tools.WEASYPRINT_LIBRARIES[ours] == weasyprint_names(theirs)
    script = SCRIPT.read_text("utf-8")
    for variable, library in (("PANGO_NAMES", "pango"), ("PANGOFT2_NAMES", "pangoft2"),
                              ("SUBSET_NAMES", "harfbuzz_subset")):
        assert f'{variable}="{" ".join(weasyprint_names(library))}"' in script


@pytest.fixture
def no_libraries(monkeypatch):
    """Nothing loads and find_library finds nothing: a machine without Pango."""
    tried = []

    def dlopen(name, *args, **kwargs):
        tried.append(name)
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", dlopen)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: tried.append(f"find:{name}") and None)
    tools.check_pango.cache_clear()
    yield tried
    tools.check_pango.cache_clear()


def test_check_pango_says_what_to_install_on_each_system(no_libraries):
    with pytest.raises(ToolError) as caught:
        tools.check_pango()
    assert caught.value.exit_code == EXIT_TOOL == 69
    message = str(caught.value)
    assert f"sudo apt-get install {DEBIAN_BUILD}" in message
    assert "sudo dnf install pango harfbuzz" in message
    assert "brew install pango" in message
    assert "pango-1.0" in message and "pangoft2-1.0" in message


def test_check_pango_tries_names_the_way_cffi_does(no_libraries):
    with pytest.raises(ToolError):
        tools.check_pango()
    # A name with a dot is opened as it is, then through find_library; one without only through it.
    assert no_libraries[:4] == ["libgobject-2.0-0", "find:libgobject-2.0-0", "gobject-2.0-0", "find:gobject-2.0-0"]
    assert "find:harfbuzz" in no_libraries and "harfbuzz" not in no_libraries
    assert "libpango-1.0.dylib" in no_libraries and "find:pango-1.0" in no_libraries


def test_check_pango_points_at_homebrews_folder(no_libraries, monkeypatch, tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libpango-1.0.dylib").touch()
    monkeypatch.setattr(tools, "HOMEBREW_LIBS", (str(tmp_path / "lib"),), raising=False)
    with pytest.raises(ToolError) as caught:
        tools.check_pango()
    assert f"make all PYTHON={tmp_path}/bin/python3" in str(caught.value)


def test_check_pango_passes_on_this_machine():
    tools.check_pango.cache_clear()
    tools.check_pango()  # WeasyPrint runs here, so the same lookup must succeed (a guard, not a fix)
