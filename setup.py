"""Package metadata comes from settings.ini (nbdev 2 style): edit that file, not this one."""
from configparser import ConfigParser
from pathlib import Path

import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=["="])
cfg.read("settings.ini", encoding="utf-8")
cfg = cfg["DEFAULT"]

# settings.ini's licence as an SPDX expression (PEP 639; licence classifiers are deprecated), with the licence of the
# FOLDOC corpus the wheel ships (lossplateau/corpora/FOLDOC.md: GFDL 1.1 or later, no invariant sections)
licenses = {"apache2": "Apache-2.0"}
statuses = ["1 - Planning", "2 - Pre-Alpha", "3 - Alpha", "4 - Beta", "5 - Production/Stable", "6 - Mature", "7 - Inactive"]
lic = f"{licenses[cfg['license']]} AND GFDL-1.1-no-invariants-or-later"
py_versions = [f"3.{m}" for m in range(int(cfg["min_python"].split(".")[1]), int(cfg["max_python"].split(".")[1]) + 1)]

requirements = cfg.get("requirements", "").split()
dev_requirements = cfg.get("dev_requirements", "").split()
scripts = [s for s in cfg.get("console_scripts", "").split() if s]


class build_py_with_book(build_py):
    "Also ship the notebooks and the book's configuration, so `lossplateau book/report` work from a wheel."
    def run(self):
        super().run()
        # book/reference/*/: the recorded runs the book reads (the `full` question run)
        for folder, patterns in (("nbs", ["*.ipynb"]), ("book", ["*.yml", "*.md", "reference/*/*"])):
            dest = Path(self.build_lib) / cfg["lib_path"] / "_resources" / folder
            for pattern in patterns:
                for f in sorted(Path(folder).glob(pattern)):
                    if not f.is_file(): continue
                    target = dest / f.relative_to(folder)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self.copy_file(str(f), str(target))


with open("README.md", encoding="utf-8") as f:
    long_description = f.read()

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=long_description,
    long_description_content_type="text/markdown",
    keywords=cfg["keywords"].split(),
    author=cfg["author"],
    author_email=cfg["author_email"],
    license_expression=lic,
    license_files=["LICENSE", f"{cfg['lib_path']}/corpora/GFDL-1.3.txt"],
    url=cfg["git_url"],
    project_urls={"Source": cfg["git_url"], "Documentation": cfg["doc_host"] + cfg["doc_baseurl"]},
    classifiers=[
        "Development Status :: " + statuses[int(cfg["status"]) - 1],
        "Intended Audience :: " + cfg["audience"],
        "Natural Language :: " + cfg["language"],
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ] + [f"Programming Language :: Python :: {v}" for v in py_versions],
    # corpora/ holds data, not code: declared as a package of its own so that setuptools ships it without a warning
    packages=setuptools.find_packages(include=[cfg["lib_path"], cfg["lib_path"] + ".*"]) + [f"{cfg['lib_path']}.corpora"],
    include_package_data=True,
    package_data={f"{cfg['lib_path']}.corpora": ["*"]},
    install_requires=requirements,
    extras_require={"dev": dev_requirements},
    python_requires=f">={cfg['min_python']},<3.{int(cfg['max_python'].split('.')[1]) + 1}",
    entry_points={"console_scripts": scripts, "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
    cmdclass={"build_py": build_py_with_book},
)
