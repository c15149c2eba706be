import { demoPackage, type RuleFixtures } from '../../testing/fixtures.ts';
import { portableDemo } from './fixture-package.ts';

/** A chroot package whose ID (and unit prefix) is `id`. */
function withId(id: string) {
  return portableDemo(
    {
      'usr/lib/os-release': `NAME="Demo"\nID=${id}\nVERSION_ID=1.0\nCOMPOSABLE_MODE=chroot\n`,
      'usr/lib/systemd/system/demo.service': null,
      [`usr/lib/systemd/system/${id}.service`]: '[Service]\nExecStart=/usr/bin/demo\n',
    },
    id,
  );
}

export const fixtures: RuleFixtures = {
  valid: [
    { name: 'letters, digits, "-" and "."', files: withId('my-app.v2'), lint: ['my-app.v2'] },
    {
      name: 'a host-mode package may use "_" (not a portable image)',
      files: demoPackage(
        {
          'usr/lib/os-release': 'NAME=x\nID=my_app\nVERSION_ID=1\n',
          'usr/lib/systemd/system/demo.service': null,
          'usr/lib/systemd/system/my_app.service': '[Service]\nExecStart=/usr/bin/demo\n',
        },
        'my_app',
      ),
      lint: ['my_app'],
    },
  ],
  invalid: [
    {
      name: 'an ID with "_"',
      files: withId('my_app'),
      lint: ['my_app'],
      expect: [
        'my_app/usr/lib/os-release:2:4 ID=my_app has "_", where portablectl cuts an image name (my_app_1.0.raw matches units "my*", not "my_app*")',
      ],
    },
    {
      name: 'an ID with ":"',
      files: withId('my:app'),
      lint: ['my:app'],
      expect: [
        'my:app/usr/lib/os-release:2:4 ID=my:app has ":", which portablectl does not take in the image ' +
          'name it derives unit names from; attach needs an explicit match and detach fails',
      ],
    },
  ],
};
